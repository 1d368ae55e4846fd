"""What happens to a warning after it is sent: verification states, response deadlines, the audit trail."""
