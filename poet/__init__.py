"""POET's core. The Celery app is loaded when Django starts (``PoetConfig.ready``) or when asked
for as ``poet.celery_app``, not on import, so ``poet.analysis`` can be imported without Django."""


def __getattr__(name: str):
    if name == "celery_app":
        from poet.celery import app

        return app
    raise AttributeError(f"module 'poet' has no attribute {name!r}")


__all__ = ["celery_app"]
