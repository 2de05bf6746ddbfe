"""k8sprep: Kubernetes tutorial chapters in, spaced-repetition flashcards out."""

__version__ = "0.1.0"

from flashcards.drill.grading import grade_answer as grade_answer
