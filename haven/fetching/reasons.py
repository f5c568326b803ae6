"""The short reason codes a fetch ends with, and a sentence for people for each.

A `Fetch` row keeps the code (for filtering and statistics) and a detail sentence that
says what exactly happened; these sentences explain the codes in general.
"""

REASONS = {
    "": "The address answered with content.",
    "not_found": "The server says the page does not exist (404).",
    "gone": "The server says the page has been removed (410).",
    "legal_block": "The server says the page is unavailable for legal reasons (451).",
    "nxdomain": "The host name does not exist (any more).",
    "forbidden_address": "The host points to an address Haven must not contact.",
    "forbidden_port": "The port is one that browsers refuse to use for web pages.",
    "credentials": "The address contains a user name or password; it is not fetched.",
    "unsupported_scheme": "Only http and https addresses are fetched.",
    "bad_url": "The address cannot be understood.",
    "bad_redirect": "The server redirected to an address that cannot be understood.",
    "redirect_loop": "The redirects go round in a loop.",
    "too_many_redirects": "The server redirected too many times.",
    "dns_error": "The host name could not be resolved.",
    "connect_timeout": "The server did not accept a connection in time.",
    "connection_refused": "The server refused the connection.",
    "connection_reset": "The server closed the connection before answering in full.",
    "connection_error": "The server could not be reached.",
    "tls_error": "The secure (TLS) connection failed.",
    "timeout": "The server did not answer in full in time.",
    "too_large": "The response is larger than Haven fetches.",
    "bad_response": "The server's answer was not valid HTTP.",
    "http_error": "The server refused the request.",
    "server_error": "The server reported an error (5xx).",
    "proxy_error": "The egress proxy did not connect to the server.",
    "capture_error": "The content came back but could not be captured; only its hashes are kept.",
    "error": "Something unexpected went wrong while fetching.",
}
