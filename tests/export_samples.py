"""Sample decks and real-Anki helpers shared by the export tests."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from anki.collection import Collection
from anki.import_export_pb2 import (
    ImportAnkiPackageOptions,
    ImportAnkiPackageRequest,
    ImportCsvRequest,
    ImportResponse,
)
from anki.notes import Note

from flashcards.model import Card, ChapterInfo, Deck, Kind, Source

NOW = 1_800_000_000
"""A fixed "now" (2027-01-15) in epoch seconds."""

SEED_FILE = "05-storage-in-kubernetes.txt"
DIAGRAM = (
    "┌────────────┐    ┌────────────┐\n"
    "│   claim    │ -> │   volume   │\n"
    "└─────┬──────┘    └─────┬──────┘\n"
    "      v                 v"
)


def storage_deck() -> Deck:
    """A small deck shaped like the seed chapter: every kind, one trap-less interview card."""
    chapter = ChapterInfo(
        number=5,
        slug="storage-in-kubernetes",
        title="Storage in Kubernetes",
        subtitle="Data should outlive the pod",
        level="intermediate",
        minutes=23,
        next=6,
        next_file="06-service-mesh-network-policy.md",
    )

    def source(section: str) -> Source:
        return Source(SEED_FILE, section)

    cards = (
        Card(
            "storage-in-kubernetes-concept-0000000001",
            Kind.CONCEPT,
            "Why is pod-local storage unsafe for durable data?",
            "A pod can be rescheduled anytime,\nso local writable state is fragile.",
            tags=("storage", "pods"),
            source=source("Pods are temporary, so storage must be explicit"),
        ),
        Card(
            "storage-in-kubernetes-flow-0000000002",
            Kind.FLOW,
            "Walk the PV claim flow.",
            "claim (app asks) → class (policy picks) → volume (storage binds)\n"
            "Claims talk intent, volumes provide reality.",
            diagram=DIAGRAM,
            source=source("PersistentVolumes and claims split supply from demand"),
        ),
        Card(
            "storage-in-kubernetes-recall-0000000003",
            Kind.RECALL,
            "What extra work does CSI remove for platform teams?",
            "Ticket-driven provisioning and custom storage integrations.",
            source=source("Pause and recall"),
        ),
        Card(
            "storage-in-kubernetes-interview-0000000004",
            Kind.INTERVIEW,
            "Why do PVCs help app teams?",
            "They let workloads request storage intent without backend details.",
            wrong_answer="Because PVs are deprecated.",
            tags=("interview",),
            source=source("Interview Q&A"),
        ),
        Card(
            "storage-in-kubernetes-interview-0000000005",
            Kind.INTERVIEW,
            "Why are managed databases often still attractive?",
            "They offload replication, backup, patching and failure management.",
            source=source("Interview Q&A"),
        ),
        Card(
            "storage-in-kubernetes-practice-0000000006",
            Kind.PRACTICE,
            "Separate cache data from durable data for one workload.",
            "Pick a claim size, access mode and storage class; set a restore target.",
            source=source("Apply now (5 min)"),
        ),
    )
    return Deck("05 Storage in Kubernetes", chapter, cards)


@contextmanager
def anki_collection(path: Path) -> Iterator[Collection]:
    """A real Anki collection at ``path``, closed afterwards."""
    col = Collection(str(path))
    try:
        yield col
    finally:
        col.close()


def import_package(col: Collection, package: Path) -> ImportResponse.Log:
    """Import an ``.apkg`` the way Anki's import dialog does by default."""
    request = ImportAnkiPackageRequest(
        package_path=str(package), options=ImportAnkiPackageOptions(with_scheduling=False)
    )
    return col.import_anki_package(request).log


def import_csv(col: Collection, csv_path: Path) -> ImportResponse.Log:
    """Import a CSV with Anki's text importer, taking every setting from the file's header."""
    metadata = col.get_csv_metadata(str(csv_path), None)
    return col.import_csv(ImportCsvRequest(path=str(csv_path), metadata=metadata)).log


def notes_by_field(col: Collection, field: str = "CardId") -> dict[str, Note]:
    """Every note in ``col`` keyed by one of its fields."""
    notes = (col.get_note(nid) for nid in col.find_notes(""))
    return {note[field]: note for note in notes}
