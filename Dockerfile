# opsbridge: one image, `opsbridge serve` by default.
FROM python:3.12-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    HOST=0.0.0.0 \
    PORT=3000 \
    DATABASE_URL=sqlite+aiosqlite:////data/opsbridge.db \
    OPSBRIDGE_CONFIG=/config/opsbridge.yaml

WORKDIR /app
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY handlers ./handlers
COPY storage ./storage
COPY sandbox ./sandbox
RUN pip install . \
    && useradd --system --uid 10001 --home-dir /app opsbridge \
    && mkdir -p /data /config && chown opsbridge /data

USER opsbridge
EXPOSE 3000
VOLUME ["/data"]
HEALTHCHECK --interval=30s --timeout=3s --start-period=20s --retries=3 \
    CMD python -c "import os,urllib.request; urllib.request.urlopen(f'http://127.0.0.1:{os.environ.get(\"PORT\",\"3000\")}/healthz', timeout=2)"

ENTRYPOINT ["opsbridge"]
CMD ["serve"]
