"""A unit of work's connection opens at its first statement, and closing one the server already
closed (a restart mid-request) raises nothing into nameko's worker teardown, which would kill the
container."""
from sqlalchemy.exc import InterfaceError

from safecommunity.database import LazyConnection


class Engine:
    def __init__(self):
        self.opened = 0

    def connect(self):
        self.opened += 1
        return GoneConnection()


class GoneConnection:
    def execute(self, statement):
        return statement

    def close(self):
        raise InterfaceError("ROLLBACK", {}, Exception("connection already closed"))


def test_nothing_is_opened_until_the_first_statement():
    engine = Engine()
    connection = LazyConnection(engine)
    assert engine.opened == 0
    assert connection.execute("SELECT 1") == "SELECT 1" and engine.opened == 1


def test_closing_a_connection_the_server_already_closed_raises_nothing():
    connection = LazyConnection(Engine())
    connection.execute("SELECT 1")
    connection.close()
    connection.close()  # and closing again is a no-op
