# A Python + SQLite workload with threads: inserts with commits (pwrite64, fdatasync, fcntl
# locks), queries, and GIL hand-offs between threads (futex).
import os, sqlite3, tempfile, threading
d = tempfile.mkdtemp()
def work(n):
    con = sqlite3.connect(os.path.join(d, "db%d.sqlite" % n))
    con.execute("create table t(a integer primary key, b text)")
    for i in range(3000):
        con.execute("insert into t(b) values (?)", (str(i) * 8,))
        if i % 100 == 0:
            con.commit()
    con.commit()
    for _ in range(20):
        sum(r[0] for r in con.execute("select a from t where b like '%57%'"))
    con.close()
threads = [threading.Thread(target=work, args=(i,)) for i in range(4)]
for t in threads: t.start()
for t in threads: t.join()
for f in os.listdir(d): os.unlink(os.path.join(d, f))
os.rmdir(d)
