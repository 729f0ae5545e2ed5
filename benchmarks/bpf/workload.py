# A Python + SQLite workload with threads: a producer hands rows through bounded queues
# (futex waits and wakes) to writer threads that insert with periodic commits (pwrite64,
# fdatasync, fcntl locks) and then query their databases.
import os, queue, sqlite3, tempfile, threading
d = tempfile.mkdtemp()
queues = [queue.Queue(maxsize=4) for _ in range(3)]
def writer(n):
    con = sqlite3.connect(os.path.join(d, "db%d.sqlite" % n))
    con.execute("create table t(a integer primary key, b text)")
    i = 0
    while True:
        row = queues[n].get()
        if row is None:
            break
        con.execute("insert into t(b) values (?)", (row,))
        i += 1
        if i % 100 == 0:
            con.commit()
    con.commit()
    for _ in range(10):
        sum(r[0] for r in con.execute("select a from t where b like '%57%'"))
    con.close()
threads = [threading.Thread(target=writer, args=(n,)) for n in range(3)]
for t in threads: t.start()
for i in range(6000):
    queues[i % 3].put(str(i) * 8)
for q in queues: q.put(None)
for t in threads: t.join()
for f in os.listdir(d): os.unlink(os.path.join(d, f))
os.rmdir(d)
