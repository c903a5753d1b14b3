"""Sample data for the shipped scorecard definitions (installed as package data)."""
