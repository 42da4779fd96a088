class ZendeskProvider:
    def connect(self, code: str) -> None:
        self.token = exchange(code)
