-- Professionals' jobs are listed by visit time (issue #10): the jobs query filters on the
-- professional (and a status) and orders by scheduled_for.
CREATE INDEX idx_requests_professional_visit ON service_requests (professional_id, status, scheduled_for);
CREATE INDEX idx_requests_professional_scheduled ON service_requests (professional_id, scheduled_for);
