"""The fengqiao C ABI from Python through ctypes: any language with a C FFI can do the same.

    cargo build -p fengqiao-ffi
    FENGQIAO_LIB=target/debug/libfengqiao_ffi.so python3 examples/python/route.py \
        examples/data/world-small.json examples/data/dispute.json
"""
import ctypes
import json
import os
import sys

lib = ctypes.CDLL(os.environ.get("FENGQIAO_LIB", "target/debug/libfengqiao_ffi.so"))
c_str, c_out = ctypes.c_char_p, ctypes.POINTER(ctypes.c_void_p)
lib.fq_version.restype = c_str
lib.fq_error_message.restype = c_str
lib.fq_error_details.restype = c_str
lib.fq_string_free.argtypes = [ctypes.c_void_p]
lib.fq_error_free.argtypes = [ctypes.c_void_p]
for name in ["fq_error_code", "fq_error_message", "fq_error_details"]:
    getattr(lib, name).argtypes = [ctypes.c_void_p]


class FengqiaoError(Exception):
    """A failed call: the status code, the message and the JSON details."""

    def __init__(self, status, message, details):
        super().__init__(f"status {status}: {message}")
        self.status, self.details = status, details


def check(status, err):
    if status != 0:
        e = FengqiaoError(status, lib.fq_error_message(err).decode(), json.loads(lib.fq_error_details(err)))
        lib.fq_error_free(err)
        raise e


def take_string(p):
    """Copies a library-owned string and frees it with fq_string_free (never libc free)."""
    s = ctypes.cast(p, c_str).value.decode()
    lib.fq_string_free(p)
    return s


class Engine:
    def __init__(self, world_json):
        self.h, err = ctypes.c_void_p(), ctypes.c_void_p()
        check(lib.fq_engine_new(world_json.encode(), ctypes.byref(self.h), ctypes.byref(err)), err)

    def close(self):
        lib.fq_engine_free(self.h)

    def _out(self, fn, *args):
        out, err = ctypes.c_void_p(), ctypes.c_void_p()
        check(fn(self.h, *args, ctypes.byref(out), ctypes.byref(err)), err)
        return take_string(out)

    def register(self, actor, dispute, now_ms):
        return self._out(lib.fq_engine_register, json.dumps(actor).encode(), json.dumps(dispute).encode(), ctypes.c_int64(now_ms))

    def route(self, actor, code, now_ms):
        return json.loads(self._out(lib.fq_engine_route, json.dumps(actor).encode(), code.encode(), ctypes.c_int64(now_ms)))

    def apply(self, actor, code, op, now_ms):
        return json.loads(self._out(lib.fq_engine_apply, json.dumps(actor).encode(), code.encode(), json.dumps(op).encode(), ctypes.c_int64(now_ms)))

    def trace_jsonl(self, actor, code, now_ms):
        return self._out(lib.fq_engine_trace_jsonl, json.dumps(actor).encode(), code.encode(), ctypes.c_int64(now_ms))


def main():
    world = open(sys.argv[1], encoding="utf-8").read()
    dispute = json.load(open(sys.argv[2], encoding="utf-8"))
    now = 1758763800000  # 2025-09-25 09:30 China time
    engine = Engine(world)
    try:
        code = engine.register({"staff": "gw-522301001001001"}, dispute, now)
        decision = engine.route("system", code, now)
        print("fengqiao", lib.fq_version().decode(), "| case", code)
        print("level:", decision["level"], "| unit:", decision["unit"], "| matched:", ", ".join(decision["matched"]))
        print("team:", ", ".join(f'{m["role"]}={m["staff"]}' for m in decision["team"]))
        state = engine.apply({"staff": "md-522301001001-1"}, code, {"op": "accept"}, now)
        assert state["state"] == "accepted"
        try:
            engine.apply({"staff": "md-522301001001-1"}, code, {"op": "close"}, now)
            raise SystemExit("closing an accepted case should be refused")
        except FengqiaoError as e:
            assert e.details["refusal"] == "wrong_state", e.details
            print("refused as expected:", e.details["message"])
        events = engine.trace_jsonl({"staff": "md-522301001001-1"}, code, now).splitlines()
        print(f"trace: {len(events)} events, last hash {json.loads(events[-1])['hash'][:16]}…")
        print("python example: 1 passed, 0 failed")
    finally:
        engine.close()


if __name__ == "__main__":
    main()
