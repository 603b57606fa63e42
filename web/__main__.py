from web.cli import serve_command

serve_command()
