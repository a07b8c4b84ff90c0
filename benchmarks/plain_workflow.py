"""A hand-written workflow module: what W6 imports as the baseline."""


class InvalidTransition(Exception):
    pass


class Plain:
    def __init__(self):
        self.state = "a"

    def go(self):
        if self.state != "a":
            raise InvalidTransition(self.state)
        self.state = "b"

    def back(self):
        if self.state != "b":
            raise InvalidTransition(self.state)
        self.state = "a"
