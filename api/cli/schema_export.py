"""`motcua schema export`: the whole current schema as SDL, with every published form's type."""

from __future__ import annotations

import asyncio

import typer

from api.cli.plain import fail, load_settings
from api.database import DatabaseStartError, UnsafeDeploymentError, connect
from api.embedded import EmbeddedDatabaseError, NotADataDirectoryError, database_uri
from documents.catalogue.forms.published import published_forms
from schema import build_schema

schema_cli = typer.Typer(help="The GraphQL schema, for code generators (docs/forms.md).")


async def current_sdl() -> str:
    """The SDL the API serves now: the static part and a type per published form key."""
    return build_schema(await published_forms()).as_str()


@schema_cli.command("export")
def export_command() -> None:
    """Print the whole current schema (SDL), read from the database: `schema.graphql`
    plus each published form's `<Key>FormData` type, for codegen."""
    settings = load_settings()

    async def connected() -> str:
        client = await connect(uri, settings)
        try:
            return await current_sdl()
        finally:
            await client.close()

    try:
        with database_uri(settings.mongodb_uri, settings.db_path, share=True) as uri:
            typer.echo(asyncio.run(connected()))
    except (NotADataDirectoryError, UnsafeDeploymentError) as error:
        raise fail(error, 2) from None
    except (EmbeddedDatabaseError, DatabaseStartError) as error:
        raise fail(error) from None
