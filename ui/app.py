"""adguide Streamlit app (entry point: ``streamlit run ui/app.py``)."""

import streamlit as st

st.set_page_config(page_title="adguide", page_icon="🩺")
st.title("adguide")
st.write("Cited, rule-based answers on systemic treatment of moderate-to-severe atopic dermatitis.")
