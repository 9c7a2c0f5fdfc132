"""The transfer service of the open base: ``services.transfer`` when the container has it,
else one built on the container's sessions (the same rules, the same signed-in user)."""

from __future__ import annotations

from asr_desktop.services.transfer import TransferService


def transfer_service(services) -> TransferService:
    found = getattr(services, "transfer", None)
    if isinstance(found, TransferService):
        return found
    return TransferService(services.database.sessions, services.user_id)
