"""``python -m flashcards`` runs the k8sprep command line."""

from flashcards.cli import app

if __name__ == "__main__":
    app(prog_name="k8sprep")
