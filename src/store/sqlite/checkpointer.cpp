// Checkpointer: PASSIVE checkpoints on a thread of their own.
#include "store/sqlite/checkpointer.hpp"

#include <spdlog/spdlog.h>
#include <sqlite3.h>

namespace decnet::store::sqlite {

Checkpointer::Checkpointer(Connection& writer, const std::string& path, int background_pages,
                           int foreground_pages)
    : writer_(writer),
      connection_(path),
      background_pages_(background_pages),
      foreground_pages_(foreground_pages),
      thread_([this](std::stop_token stop) { run(std::move(stop)); }) {
    sqlite3_wal_hook(writer_.handle(), &Checkpointer::on_commit, this);
}

Checkpointer::~Checkpointer() {
    sqlite3_wal_hook(writer_.handle(), nullptr, nullptr);
    thread_.request_stop();
    wake_.notify_all();
}

// Called by SQLite on the writer's thread after each commit, with the WAL's size.
int Checkpointer::on_commit(void* self, sqlite3* db, const char* name, int pages) {
    auto& checkpointer = *static_cast<Checkpointer*>(self);
    if (pages >= checkpointer.foreground_pages_) {
        // What wal_autocheckpoint would do; the frames the thread already copied are
        // skipped, and a complete checkpoint lets the next write restart the WAL.
        sqlite3_wal_checkpoint_v2(db, name, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
    } else if (pages >= checkpointer.background_pages_) {
        {
            std::lock_guard lock(checkpointer.mutex_);
            checkpointer.notified_ = true;
        }
        checkpointer.wake_.notify_one();
    }
    return SQLITE_OK;
}

void Checkpointer::run(std::stop_token stop) {
    while (!stop.stop_requested()) {
        {
            std::unique_lock lock(mutex_);
            wake_.wait(lock, stop, [&] { return notified_; });
            notified_ = false;
        }
        if (stop.stop_requested()) break;
        // PASSIVE never waits for the writer or readers: it copies what it can. BUSY
        // (another checkpoint running) is normal; anything else is worth a line.
        const int rc = sqlite3_wal_checkpoint_v2(connection_.handle(), nullptr,
                                                 SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
        if (rc != SQLITE_OK && rc != SQLITE_BUSY && rc != SQLITE_LOCKED)
            spdlog::warn("sqlite: background checkpoint failed: {}",
                         sqlite3_errmsg(connection_.handle()));
    }
}

}  // namespace decnet::store::sqlite
