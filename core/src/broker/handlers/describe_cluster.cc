// DescribeCluster (60): this node, as broker and controller.
#include "ringtail/core/broker/broker.h"
#include "ringtail/core/broker/controller.h"
#include "ringtail/core/broker/handlers.h"
#include "ringtail/io/cross_shard.h"

namespace ringtail::core {

io::task<codec::describe_cluster_response> handle_describe_cluster(request_context& ctx,
                                                                   const codec::describe_cluster_request& req) {
  codec::describe_cluster_response resp;
  const broker_context& b = broker();
  resp.cluster_id = ctx.keep(co_await io::submit_to(0, [] { return the_controller().cluster_id(); }));
  resp.controller_id = b.config.node_id;
  resp.endpoint_type = req.endpoint_type;
  codec::describe_cluster_response::describe_cluster_broker self;
  self.broker_id = b.config.node_id;
  self.host = b.advertised_host;
  self.port = b.advertised_port;
  resp.brokers.push_back(self);
  co_return resp;
}

}  // namespace ringtail::core
