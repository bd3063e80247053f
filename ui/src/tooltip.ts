import type { Directive } from "vue";
import { Tooltip } from "bootstrap";

/** `v-tooltip="'Text'"`: a Bootstrap tooltip, disposed with the element. */
export const vTooltip: Directive<HTMLElement, string> = {
  mounted(el, binding) {
    Tooltip.getOrCreateInstance(el, { title: binding.value, placement: "bottom", trigger: "hover focus" });
  },
  beforeUnmount(el) {
    Tooltip.getInstance(el)?.dispose();
  },
};
