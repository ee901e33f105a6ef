"""A RabbitMQ cluster of a test's own: three nodes on this machine, joined into one cluster.

Each node has its own name (`sc<id>-<n>@localhost`), AMQP and distribution ports, data and log
folders, and no plugins (the machine's broker keeps 15672 and 15692); the shared epmd and Erlang
cookie of the `rabbitmq` user join them. Nodes are started and stopped with Debian's rabbitmq-server
and rabbitmqctl, as an operator would. Dropped, data and all, afterwards. Test support only.
"""
import os
import pwd
import shutil
import subprocess
import tempfile
import uuid

from .testing import free_port, wait_until

START_TIMEOUT = 90.0


class RabbitCluster:
    def __init__(self, size=3):
        self.id = uuid.uuid4().hex[:6]
        self.folder = tempfile.mkdtemp(prefix=f"rabbit-{self.id}-")
        self.nodes = [Node(self.folder, f"sc{self.id}-{n}@localhost") for n in range(1, size + 1)]

    @property
    def uri(self):
        """Every node, as kombu's failover list: a client goes on to the next when one is away."""
        return ";".join(node.uri for node in self.nodes)

    def __enter__(self):
        try:
            for node in self.nodes:
                node.start()
            first = self.nodes[0]
            for node in self.nodes[1:]:
                node.ctl("stop_app")
                node.ctl("join_cluster", first.name)
                node.ctl("start_app")
            wait_until(lambda: all(n.name in first.ctl("cluster_status", "--formatter", "json")
                                   for n in self.nodes), timeout=START_TIMEOUT, message="the nodes to join")
        except BaseException:
            self.__exit__()
            raise
        return self

    def __exit__(self, *exc):
        for node in self.nodes:
            node.stop()
        shutil.rmtree(self.folder, ignore_errors=True)

    def leader_of(self, queue):
        """The node that leads a quorum queue now (one that is up is asked)."""
        for node in self.nodes:
            if node.running:
                rows = node.ctl("-q", "list_queues", "--no-table-headers", "name", "leader")
                for line in rows.splitlines():
                    name, _, leader = line.partition("\t")
                    if name == queue:
                        return next(n for n in self.nodes if n.name == leader.strip())
        raise LookupError(f"no node knows queue {queue}")


class Node:
    def __init__(self, folder, name):
        self.name, self.port, self.dist_port = name, free_port(), free_port()
        self.home = os.path.join(folder, name.split("@")[0])
        self.running = False

    @property
    def uri(self):
        return f"amqp://guest:guest@127.0.0.1:{self.port}//"

    def environment(self):
        return {**os.environ,
                "RABBITMQ_CONF_ENV_FILE": "/dev/null",  # not the machine broker's node name and flags
                "RABBITMQ_NODENAME": self.name, "RABBITMQ_DIST_PORT": str(self.dist_port),
                "RABBITMQ_CONFIG_FILE": os.path.join(self.home, "rabbitmq.conf"),
                "RABBITMQ_ENABLED_PLUGINS_FILE": os.path.join(self.home, "enabled_plugins"),
                "RABBITMQ_MNESIA_BASE": os.path.join(self.home, "mnesia"),
                "RABBITMQ_LOG_BASE": os.path.join(self.home, "log"),
                "RABBITMQ_PID_FILE": os.path.join(self.home, "pid"),
                "ERL_EPMD_ADDRESS": "127.0.0.1"}

    def start(self):
        if not os.path.exists(self.home):
            self._make_home()
        subprocess.run(["rabbitmq-server", "-detached"], env=self.environment(), check=True, capture_output=True)
        # await_startup answers at once while the node has not registered yet: ask until it has
        wait_until(lambda: subprocess.run(["rabbitmqctl", "-n", self.name, "--timeout", "5", "await_startup"],
                                          env=self.environment(), capture_output=True, timeout=30).returncode == 0,
                   timeout=START_TIMEOUT, interval=0.5, message=f"RabbitMQ node {self.name} to start")
        self.running = True

    def stop(self):
        """The whole node, as a lost machine would be (its queues' leadership moves elsewhere)."""
        subprocess.run(["rabbitmqctl", "-n", self.name, "stop"], env=self.environment(), capture_output=True,
                       timeout=60)
        self.running = False

    def ctl(self, *arguments):
        done = subprocess.run(["rabbitmqctl", "-n", self.name, *arguments], env=self.environment(),
                              capture_output=True, text=True, timeout=120)
        if done.returncode:
            raise RuntimeError(f"rabbitmqctl {' '.join(arguments)} on {self.name}: {done.stderr or done.stdout}")
        return done.stdout

    def _make_home(self):
        for folder in ("mnesia", "log"):
            os.makedirs(os.path.join(self.home, folder))
        with open(os.path.join(self.home, "rabbitmq.conf"), "w") as conf:
            conf.write(f"listeners.tcp.1 = 127.0.0.1:{self.port}\nloopback_users = none\n")
        with open(os.path.join(self.home, "enabled_plugins"), "w") as plugins:
            plugins.write("[].\n")
        if os.geteuid() == 0:  # Debian's scripts run the node as the rabbitmq user
            user = pwd.getpwnam("rabbitmq")
            for root, folders, files in os.walk(os.path.dirname(self.home)):
                for name in [root, *(os.path.join(root, f) for f in folders + files)]:
                    os.chown(name, user.pw_uid, user.pw_gid)
