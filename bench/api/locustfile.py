"""The reference's Locust workload (perf.md §1), runnable against decnet unchanged.

One command (make bench installs python3-locust):
    bench/api/run-locust.sh http://127.0.0.1:8000      # 500 users, 50/s, 60 s, headless
Credentials: DECNET_ADMIN_USER (admin) / DECNET_ADMIN_PASSWORD (admin).
"""
import os
import random
import time

from locust import HttpUser, between, task

USERNAME = os.environ.get("DECNET_ADMIN_USER", "admin")
PASSWORD = os.environ.get("DECNET_ADMIN_PASSWORD", "admin")


class DecnetUser(HttpUser):
    wait_time = between(0.01, 0.05)

    def _login(self):
        for attempt in range(6):
            with self.client.post("/api/v1/auth/login",
                                  json={"username": USERNAME, "password": PASSWORD},
                                  name="/api/v1/auth/login [on_start]",
                                  catch_response=True) as response:
                if response.status_code == 200:
                    response.success()
                    return response.json()
                if response.status_code != 0 and response.status_code < 500:
                    response.failure(f"login returned {response.status_code}")
                    raise RuntimeError(f"login failed: {response.status_code}")
                response.failure(f"login returned {response.status_code}, retrying")
            if attempt < 5:
                time.sleep(0.5 * 2 ** attempt)
        raise RuntimeError("login failed after retries")

    def on_start(self):
        body = self._login()
        if body.get("must_change_password"):
            self.client.post("/api/v1/auth/change-password",
                             json={"old_password": PASSWORD, "new_password": PASSWORD},
                             headers={"Authorization": f"Bearer {body['access_token']}"})
            body = self._login()
        self.client.headers["Authorization"] = f"Bearer {body['access_token']}"

    @task(10)
    def get_stats(self):
        self.client.get("/api/v1/stats")

    @task(8)
    def get_logs(self):
        self.client.get("/api/v1/logs?limit=50")

    @task(8)
    def get_attackers(self):
        self.client.get("/api/v1/attackers")

    @task(7)
    def get_deckies(self):
        self.client.get("/api/v1/deckies")

    @task(6)
    def get_bounties(self):
        self.client.get("/api/v1/bounty")

    @task(5)
    def get_logs_histogram(self):
        self.client.get("/api/v1/logs/histogram")

    @task(5)
    def search_logs(self):
        self.client.get("/api/v1/logs?search=ssh&limit=100")

    @task(4)
    def search_attackers(self):
        self.client.get("/api/v1/attackers?search=brute&sort_by=recent")

    @task(4)
    def paginate_logs(self):
        self.client.get(f"/api/v1/logs?limit=100&offset={random.randint(0, 1000)}")

    @task(3)
    def get_health(self):
        self.client.get("/api/v1/health")

    @task(3)
    def get_config(self):
        self.client.get("/api/v1/config")

    @task(2)
    def login(self):
        self.client.post("/api/v1/auth/login", json={"username": USERNAME, "password": PASSWORD})

    @task(1)
    def stream_sse(self):
        with self.client.get("/api/v1/stream?maxOutput=3", stream=True, catch_response=True,
                             name="/api/v1/stream") as response:
            if response.status_code == 200:
                next(response.iter_content(1024), None)
                response.success()
            else:
                response.failure(f"SSE returned {response.status_code}")
