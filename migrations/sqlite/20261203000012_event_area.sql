-- A request's feed events reach the professionals of its service in its PIN code only (the
-- people whose feeds show it), not every professional of the service.
ALTER TABLE events ADD COLUMN to_pincode TEXT;
