"""Scorecard definitions shipped with scorecard-xl (package data: see `scorecard_xl.templates`)."""
