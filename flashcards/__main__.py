"""``python -m flashcards`` runs the k8sprep command line."""

from flashcards.cli.process import main

if __name__ == "__main__":
    main()
