"""Core: settings, the workspace, people and their roles, and helpers shared by every stage."""
