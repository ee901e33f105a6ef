# First, before anything imports socket or psycopg2: nameko and our consumers run on eventlet,
# and the tests drive them from the same process.
import eventlet

eventlet.monkey_patch()
