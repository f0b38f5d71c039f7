"""Reviewers adjudicate the items whose experts disagree."""
