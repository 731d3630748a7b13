"""The installed client (a fresh virtualenv, `pip install ./generated`, as another team would)
verifies and reads Spike's docs' example delivery, and refuses it with one byte changed.

The script run there writes the docs' example out by hand, with its spacing, and signs it as
the spec says (`webhooks.spikeEvents`: lowercase hex HMAC-SHA256 of the raw body, inferred)
with the standard library alone: nothing of the kit is installed beside the client.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

from tests.release.support import INSTALL_TIMEOUT, fresh_venv, pip_install
from tests.support import REPO

SCRIPT = r'''
import hashlib, hmac
from spike_api_client import BadSignatureError, read_webhook

body = b"""[
{
"application_user_id" : "User1" ,
"timestamp" : "2025-04-15T13:33:55.271331177Z" ,
"event_type" : "record_change" ,
"metrics" : [ "calories_burned_active" , "distance" , "steps" ],
"activity_types" : [ "sedentary" , "walking" ],
"provider_slug" : "garmin" ,
"earliest_record_start_at" : "2025-04-15T09:30:00Z" ,
"latest_record_end_at" : "2025-04-15T13:33:00Z"
},
{
"application_user_id" : "User2" ,
"timestamp" : "2025-04-15T13:33:55.271331177Z" ,
"event_type" : "record_change" ,
"metrics" : [ "calories_burned_active" ],
"activity_types" : [ "walking" ],
"provider_slug" : "garmin" ,
"earliest_record_start_at" : "2025-04-15T09:30:00Z" ,
"latest_record_end_at" : "2025-04-15T13:33:00Z"
}
]"""
key = "a-webhook-signature-key"
signature = hmac.new(key.encode(), body, hashlib.sha256).hexdigest()
for event in read_webhook(body, {"X-Body-Signature": signature}, key):
    print(event.application_user_id, event.event_type, event.provider_slug,
          event.timestamp_text, event.timestamp.isoformat(), ",".join(event.model.metrics))
for position in range(len(body)):
    changed = bytearray(body)
    changed[position] ^= 0x20 if 0x41 <= body[position] <= 0x7a else 0x01
    try:
        read_webhook(bytes(changed), {"X-Body-Signature": signature}, key)
    except BadSignatureError:
        continue
    raise SystemExit(f"byte {position} changed was accepted")
print("every one-byte change refused")
'''


def test_the_installed_client_reads_the_docs_example_and_refuses_a_changed_byte(
    tmp_path: Path,
) -> None:
    python = fresh_venv(tmp_path / "venv")
    pip_install(python, str(REPO.generated_dir))
    ran = subprocess.run(
        [str(python), "-c", SCRIPT],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=INSTALL_TIMEOUT,
        check=False,
    )
    assert ran.returncode == 0, ran.stdout + ran.stderr
    assert ran.stdout.splitlines() == [
        "User1 record_change garmin 2025-04-15T13:33:55.271331177Z "
        "2025-04-15T13:33:55.271331+00:00 calories_burned_active,distance,steps",
        "User2 record_change garmin 2025-04-15T13:33:55.271331177Z "
        "2025-04-15T13:33:55.271331+00:00 calories_burned_active",
        "every one-byte change refused",
    ]
