"""PostgreSQL internals behind ``resync_clients.store``: embedded server, migrations, upsert.

Callers use ``resync_clients.store``; these modules are split out so each has one job.
"""
