// The scheduled background jobs (Rust `scheduler::Job`): names and what they do, for the admin.
import type { Job } from "./bindings";

export interface JobInfo {
  value: Job;
  label: string;
  description: string;
  /** When it runs on its own. */
  when: string;
  icon: string;
}

export const JOBS: JobInfo[] = [
  {
    value: "professional_monthly_report",
    label: "Monthly report to professionals",
    description: "Each professional's jobs completed last month and their average rating.",
    when: "On the 1st of each month, for the month before",
    icon: "bi-person-badge",
  },
  {
    value: "customer_monthly_report",
    label: "Monthly report to customers",
    description: "Each customer's requests and spending last month.",
    when: "On the 1st of each month, for the month before",
    icon: "bi-people",
  },
  {
    value: "daily_reminder",
    label: "Daily reminder to professionals",
    description: "Professionals with requests waiting for them get a reminder.",
    when: "Every day at the reminder time (Settings)",
    icon: "bi-alarm",
  },
  {
    value: "daily_backup",
    label: "Daily backup",
    description: "A verified backup of the database and documents; older ones beyond the number to keep are deleted.",
    when: "Once a day, when switched on in Backups",
    icon: "bi-archive",
  },
];

/** "daily_reminder" → "Daily reminder to professionals"; unknown names are made readable. */
export function jobLabel(job: string): string {
  const known = JOBS.find((j) => j.value === job);
  if (known) return known.label;
  const text = job.replace(/_+/g, " ");
  return text ? text[0].toUpperCase() + text.slice(1) : text;
}
