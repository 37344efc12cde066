"""Receipt (accusé de dépôt) rendering: view model, HTML/PDF rendering, worker pool, verification codes."""
