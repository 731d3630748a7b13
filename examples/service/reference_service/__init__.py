"""A reference service that connects its users to Spike's providers: copy it and change it.

`app.create_app()` is the FastAPI application (`uvicorn --factory
reference_service.app:create_app`); `settings` reads its configuration from the environment;
`pages` draws what the person sees.
"""
