"""A throwaway MariaDB server for the JDBC connector tests.

    from mariadb import MariaDB
    with MariaDB() as db:            # a fresh server on a free 127.0.0.1 port
        db.sql("CREATE DATABASE connector")
        rows = db.query("SELECT 1", database="connector")
        url = db.jdbc_url("connector")   # jdbc:mysql://127.0.0.1:PORT/connector?user=root&password=…

The server lives in its own temp directory with a private option file (the
recipe of issue 6: mariadb-install-db, then mariadbd --defaults-file=FILE),
runs as root without systemd, and is stopped by PID through
`mariadb-admin shutdown` (SIGKILL if that does not work). stop() keeps the
data directory so start() can bring the same server back (restart tests);
close() stops it and removes everything.
"""
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time

ROOT_PASSWORD = "isea"


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class MariaDB:
    def __init__(self, password=ROOT_PASSWORD, port=None):
        self.password = password
        # A short path: the socket path must stay under 108 bytes.
        self.dir = tempfile.mkdtemp(prefix="sl-mdb-", dir="/tmp")
        self.datadir = os.path.join(self.dir, "data")
        self.socket = os.path.join(self.dir, "sock")
        self.pidfile = os.path.join(self.dir, "pid")
        self.cnf = os.path.join(self.dir, "my.cnf")
        self.log = os.path.join(self.dir, "server.log")
        self.port = port or free_port()
        self.proc = None
        self._pw_set = False
        try:
            self._write_cnf()
            self._install()
            self.start()
            self._set_password(password)
        except BaseException:
            self.close()
            raise

    def _set_password(self, password):
        if password:
            self.sql("ALTER USER 'root'@'localhost' IDENTIFIED BY '%s';"
                     "CREATE USER IF NOT EXISTS 'root'@'127.0.0.1';"
                     "ALTER USER 'root'@'127.0.0.1' IDENTIFIED BY '%s';"
                     "GRANT ALL ON *.* TO 'root'@'127.0.0.1' WITH GRANT OPTION;"
                     "FLUSH PRIVILEGES" % (password, password), password="")
            self._pw_set = True

    def _write_cnf(self):
        with open(self.cnf, "w") as f:
            f.write("[mysqld]\nuser=root\ndatadir=%s\nsocket=%s\npid-file=%s\nport=%d\n"
                    "bind-address=127.0.0.1\nskip-name-resolve\nlog-error=%s\n"
                    "innodb_buffer_pool_size=32M\ninnodb_log_file_size=16M\n"
                    "skip-log-bin\n"
                    "[client]\nsocket=%s\nuser=root\n"
                    % (self.datadir, self.socket, self.pidfile, self.port, self.log,
                       self.socket))

    def _install(self):
        r = subprocess.run(["mariadb-install-db", "--defaults-file=" + self.cnf,
                            "--auth-root-authentication-method=normal", "--skip-test-db"],
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=120)
        if r.returncode != 0:
            raise RuntimeError("mariadb-install-db failed:\n" + r.stdout.decode(errors="replace"))

    def _admin(self, *args, timeout=10):
        cmd = ["mariadb-admin", "--defaults-file=" + self.cnf]
        if self.password_set():
            cmd.append("--password=" + self.password)
        return subprocess.run(cmd + list(args), stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, timeout=timeout)

    def password_set(self):
        return self._pw_set

    def start(self, timeout=30):
        """Starts the server (again) and waits until it answers a ping."""
        self.proc = subprocess.Popen(["mariadbd", "--defaults-file=" + self.cnf],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                     start_new_session=True)
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError("mariadbd exited with %s:\n%s" % (self.proc.returncode,
                                                                      self.server_log()))
            if self._admin("ping", timeout=5).returncode == 0:
                return
            time.sleep(0.05)
        raise RuntimeError("mariadbd did not answer a ping within %ss" % timeout)

    def server_log(self):
        try:
            with open(self.log, errors="replace") as f:
                return f.read()[-3000:]
        except OSError:
            return ""

    def stop(self, timeout=30):
        """Stops the server through mariadb-admin shutdown, waiting for its PID."""
        if not self.proc or self.proc.poll() is not None:
            return
        self._admin("shutdown", timeout=timeout)
        try:
            self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.kill()

    def kill(self):
        """SIGKILLs the server (a crash)."""
        if self.proc and self.proc.poll() is None:
            os.kill(self.proc.pid, signal.SIGKILL)
            self.proc.wait()

    def close(self):
        self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def client_args(self, database=None, password=None):
        if password is None:
            password = self.password if self._pw_set else ""
        pw = password
        args = ["mariadb", "--defaults-file=" + self.cnf, "--batch", "--skip-column-names",
                "--raw"]
        if pw:
            args.append("--password=" + pw)
        if database:
            args.append("--database=" + database)
        return args

    def sql(self, statements, database=None, password=None):
        """Runs statements (';'-separated) through the mariadb client; returns stdout."""
        r = subprocess.run(self.client_args(database, password), input=statements.encode(),
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=60)
        if r.returncode != 0:
            raise RuntimeError("SQL failed: %s\n%s" % (statements[:500],
                                                       r.stderr.decode(errors="replace")))
        return r.stdout.decode()

    def query(self, statement, database=None):
        """The rows of one SELECT, as lists of strings (NULL as None)."""
        out = self.sql(statement, database)
        rows = []
        for line in out.splitlines():
            rows.append([None if c == "NULL" else c for c in line.split("\t")])
        return rows

    def jdbc_url(self, database, scheme="mysql", with_password=True):
        url = "jdbc:%s://127.0.0.1:%d/%s?user=root" % (scheme, self.port, database)
        if with_password and self.password:
            url += "&password=" + self.password
        return url
