"""OrderDesk Tray: a tray app and MCP server for Order Desk merchants."""

__version__ = "0.1.0"
APP_NAME = "OrderDesk Tray"
APP_ID = "orderdesk-tray"
