"""The rules of rules.md by group; importing a module registers its rules."""
