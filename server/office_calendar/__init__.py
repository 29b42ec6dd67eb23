"""The office calendar: which days the ward office is open, for bookings and due dates."""
