FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
WORKDIR /app
# Pango and fonts for WeasyPrint (PDF guides and reports).
RUN apt-get update && apt-get install -y --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/*
COPY pyproject.toml constraints.txt README.md ./
COPY poet poet
COPY surveys surveys
COPY outcomes outcomes
COPY reports reports
RUN pip install --no-cache-dir -c constraints.txt .
COPY . .
RUN SECRET_KEY=build-only-collectstatic-never-a-real-secret-key python manage.py collectstatic --noinput
RUN useradd --system --uid 1000 poet && mkdir -p var/media && chown -R poet var
USER poet
EXPOSE 8000
CMD ["gunicorn", "-c", "poet/gunicorn.conf.py", "poet.wsgi", "--bind", "0.0.0.0:8000", "--workers", "3"]
