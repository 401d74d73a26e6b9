"""Staff review console use cases (issue 6): auth, inbox, export, training, dashboard."""
