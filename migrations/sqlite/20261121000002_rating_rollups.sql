-- Rating roll-ups kept in the same transaction as the review that changes them, so search and
-- lists read an average in O(1) instead of aggregating reviews over a million requests.

ALTER TABLE services ADD COLUMN rating_sum INTEGER NOT NULL DEFAULT 0 CHECK (rating_sum >= 0);
ALTER TABLE services ADD COLUMN rating_count INTEGER NOT NULL DEFAULT 0 CHECK (rating_count >= 0);
ALTER TABLE professionals ADD COLUMN rating_sum INTEGER NOT NULL DEFAULT 0 CHECK (rating_sum >= 0);
ALTER TABLE professionals ADD COLUMN rating_count INTEGER NOT NULL DEFAULT 0 CHECK (rating_count >= 0);
ALTER TABLE customers ADD COLUMN rating_sum INTEGER NOT NULL DEFAULT 0 CHECK (rating_sum >= 0);
ALTER TABLE customers ADD COLUMN rating_count INTEGER NOT NULL DEFAULT 0 CHECK (rating_count >= 0);

UPDATE services SET
    rating_sum = COALESCE((SELECT SUM(v.rating) FROM reviews v JOIN service_requests r ON r.id = v.request_id
                           WHERE r.service_id = services.id), 0),
    rating_count = (SELECT COUNT(v.rating) FROM reviews v JOIN service_requests r ON r.id = v.request_id
                    WHERE r.service_id = services.id);
UPDATE professionals SET
    rating_sum = COALESCE((SELECT SUM(v.rating) FROM reviews v JOIN service_requests r ON r.id = v.request_id
                           WHERE r.professional_id = professionals.user_id), 0),
    rating_count = (SELECT COUNT(v.rating) FROM reviews v JOIN service_requests r ON r.id = v.request_id
                    WHERE r.professional_id = professionals.user_id);
UPDATE customers SET
    rating_sum = COALESCE((SELECT SUM(v.customer_rating) FROM reviews v JOIN service_requests r ON r.id = v.request_id
                           WHERE r.customer_id = customers.user_id), 0),
    rating_count = (SELECT COUNT(v.customer_rating) FROM reviews v JOIN service_requests r ON r.id = v.request_id
                    WHERE r.customer_id = customers.user_id);

-- Customers' request list: newest first per customer (already indexed); the feed excludes
-- requests a professional declined.
CREATE INDEX idx_rejections_professional ON request_rejections (professional_id, request_id);
-- Status filters on the admin list combined with date sorting.
CREATE INDEX idx_requests_status_scheduled ON service_requests (status, scheduled_for);
CREATE INDEX idx_requests_scheduled ON service_requests (scheduled_for);
-- Admin list filtered by service or professional, newest first, without a sort step.
CREATE INDEX idx_requests_service_created ON service_requests (service_id, created_at);
CREATE INDEX idx_requests_professional_created ON service_requests (professional_id, created_at);
