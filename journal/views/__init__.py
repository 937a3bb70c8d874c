"""Blueprints, one per area. Views parse, authorise, call a service and respond."""
