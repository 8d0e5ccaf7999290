// AppTable construction and the prebuilt HTTP responses.
#include "app/app_table.hpp"

namespace tcpterm::app {

namespace {

// RFC 9110 15: reason phrases for the codes a static responder is likely to use.
const char* reason_phrase(uint16_t status) {
  switch (status) {
    case 200:
      return "OK";
    case 201:
      return "Created";
    case 204:
      return "No Content";
    case 301:
      return "Moved Permanently";
    case 302:
      return "Found";
    case 304:
      return "Not Modified";
    case 400:
      return "Bad Request";
    case 403:
      return "Forbidden";
    case 404:
      return "Not Found";
    case 500:
      return "Internal Server Error";
    case 503:
      return "Service Unavailable";
    default:
      return "Status";
  }
}

std::string response_head(uint16_t status, const std::string& content_type, size_t length,
                          const char* connection) {
  std::string head = "HTTP/1.1 " + std::to_string(status) + " " + reason_phrase(status) + "\r\n";
  head += "Server: tcpterm\r\n";
  head += "Content-Type: " + content_type + "\r\n";
  head += "Content-Length: " + std::to_string(length) + "\r\n";
  if (connection) head += std::string("Connection: ") + connection + "\r\n";
  return head + "\r\n";
}

}  // namespace

HttpResponses::HttpResponses(const HttpSettings& settings)
    : max_request_head_(settings.max_request_head) {
  auto build = [this](Variant v, uint16_t status, const std::string& type, const std::string& body,
                      const char* connection) {
    std::string head = response_head(status, type, body.size(), connection);
    head_length_[v] = static_cast<uint32_t>(head.size());
    text_[v] = head + body;
  };
  build(kKeepAlive, settings.status, settings.content_type, settings.body, nullptr);
  build(kKeepAlive10, settings.status, settings.content_type, settings.body, "keep-alive");
  build(kClose, settings.status, settings.content_type, settings.body, "close");
  build(kBadRequest, 400, "text/plain", "Bad Request\n", "close");
}

AppTable::AppTable(const HttpSettings& http)
    : responses_(std::make_unique<HttpResponses>(http)), http_(*responses_) {}

void AppTable::set_http(const HttpSettings& http) {
  responses_ = std::make_unique<HttpResponses>(http);
  http_ = HttpResponder(*responses_);
}

std::optional<uint16_t> AppTable::add(std::string_view name) {
  for (size_t i = 0; i < slots_.size(); ++i)  // one instance per name, also across reloads
    if (slots_[i].name == name) return static_cast<uint16_t>(i);
  if (auto kind = builtin_kind(name)) {
    slots_.push_back({*kind, nullptr, std::string(name)});
  } else if (const ApplicationFactory* factory = find_application(name)) {
    slots_.push_back({AppKind::kCustom, (*factory)(), std::string(name)});
  } else {
    return std::nullopt;
  }
  return static_cast<uint16_t>(slots_.size() - 1);
}

}  // namespace tcpterm::app
