from django.urls import path

from api.api import api
from api.endpoints import routers
from api.views import docs, tokens

for router in routers():  # the endpoints by subject (api/endpoints/), on the one API
    api.add_router("", router)

urlpatterns = [
    path("accounts/api-tokens/", tokens.tokens, name="api_tokens"),
    path("accounts/api-tokens/<int:token_id>/revoke/", tokens.revoke, name="api_token_revoke"),
    path("api/v1/docs/", docs.docs, name="api_docs"),
    path("api/v1/", api.urls),
]
