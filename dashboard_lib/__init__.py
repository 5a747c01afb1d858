"""Shared UI pieces of the 决算看板 Streamlit app: data access, filters, formatting, frame."""
