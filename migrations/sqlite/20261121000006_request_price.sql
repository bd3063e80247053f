-- The price a request was booked at. Receipts, exports and monthly spending must not change
-- when an admin later edits the catalogue price, so the booking copies it.
ALTER TABLE service_requests ADD COLUMN price_minor INTEGER NOT NULL DEFAULT 0 CHECK (price_minor >= 0);

-- Requests booked before this migration: the catalogue price is the best record there is.
UPDATE service_requests
SET price_minor = (SELECT s.base_price_minor FROM services s WHERE s.id = service_requests.service_id);
