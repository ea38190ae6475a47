// Checkpointer: moves WAL checkpoints off the writer. With SQLite's auto-checkpoint the
// committing thread itself copies every WAL frame back into the database file and
// fsyncs it, ~20-25% of the ingest writer's time (measured on the ingest bench). Here a
// commit that leaves the WAL past `background_pages` only wakes this thread, which runs
// PASSIVE checkpoints on its own connection while the writer goes on appending; a commit
// past `foreground_pages` (the writer outran the thread, or a reader pins old frames)
// still checkpoints inline, so the WAL stays bounded exactly as before. Durability is
// unchanged: a commit is in the WAL either way, and checkpoints fsync as before.
#pragma once

#include <condition_variable>
#include <mutex>
#include <stop_token>
#include <string>
#include <thread>

#include "store/sqlite/statement.hpp"

namespace decnet::store::sqlite {

class Checkpointer {
  public:
    // Installs itself as `writer`'s WAL hook (replacing wal_autocheckpoint).
    Checkpointer(Connection& writer, const std::string& path, int background_pages,
                 int foreground_pages);
    ~Checkpointer();  // removes the hook, then stops after the current checkpoint
    Checkpointer(const Checkpointer&) = delete;
    Checkpointer& operator=(const Checkpointer&) = delete;

  private:
    static int on_commit(void* self, sqlite3* db, const char* name, int pages);
    void run(std::stop_token stop);

    Connection& writer_;
    Connection connection_;
    const int background_pages_;
    const int foreground_pages_;
    std::mutex mutex_;
    std::condition_variable_any wake_;
    bool notified_ = false;
    std::jthread thread_;  // last: starts after, and stops before, the members it uses
};

}  // namespace decnet::store::sqlite
