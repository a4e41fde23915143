"""The bottom layer of resync-flows: settings and the domain types every layer passes around.

Nothing here imports another package of the project, and importing it changes nothing in the
process (no environment variables, no logging set-up): entry points decide that.
"""
