"""The organisers' back office: meetings, attendees, mail, check-in, dashboard."""
