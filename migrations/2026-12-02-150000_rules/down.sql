DROP FUNCTION pst_next_day_start(timestamptz);
DROP FUNCTION pst_action_is_stale(text, integer, date, timestamptz, text, timestamptz, timestamptz);
DROP FUNCTION pst_stale_deadline(text, integer, date, timestamptz, text, timestamptz);
DROP FUNCTION pst_action_is_late(date, text, timestamptz);
DROP FUNCTION pst_status_is_closed(text);
DROP FUNCTION pst_today();
DROP FUNCTION pst_day(timestamptz);
