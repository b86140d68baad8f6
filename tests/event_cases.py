"""What the event-details tests type as an event's meeting link and practical information
(issue 23, part 2), shared by the service and page tests of them."""

LINK = "https://teams.microsoft.com/l/meetup-join/19%3ameeting_abc%40thread.v2/0?context=x"
INFO = "Mød op ved hovedindgangen.\nSpørg efter Lene på kontoret."
