"""The only code that talks to GitHub: app authentication, fetching a change, publishing."""
