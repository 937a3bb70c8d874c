"""Business rules as plain functions; views call these and nothing else touches the models."""
