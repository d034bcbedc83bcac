FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 \
    DATABASE_PATH=/data/mediator.db

WORKDIR /app
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY handlers ./handlers
COPY knowledge ./knowledge
COPY services ./services
COPY storage ./storage
COPY vocabulary ./vocabulary
RUN pip install ".[postgres]" && useradd --create-home --uid 10001 mediator && mkdir -p /data && chown mediator /data

USER mediator
VOLUME ["/data"]
EXPOSE 8443
CMD ["mediator-bot", "run"]
